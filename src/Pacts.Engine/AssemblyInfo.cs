// Stack buffers for decoded strings and path trails are always written before they are read, so the
// runtime need not zero them on every location the hot path visits.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
