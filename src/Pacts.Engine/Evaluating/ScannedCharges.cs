namespace Pacts.Evaluating;

/// <summary>Up to two budget charges, by budget index, as a value in an event's slot (two budgets a pact is the common case).</summary>
internal struct ScannedCharges
{
    /// <summary>How many budgets a pact may have for its charges to be read while scanning.</summary>
    public const int Max = 2;

    public Numbers.DecimalSum First;
    public Numbers.DecimalSum Second;

    /// <summary>How many charges were read (the pact's budget count), 0 when none were.</summary>
    public int Count;

    public readonly Numbers.DecimalSum this[int index] => index == 0 ? First : Second;
}
