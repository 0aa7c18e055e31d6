namespace Pacts.Testing.Shared;

/// <summary>Removing a test's temporary directory (one copy, linked into every test project).</summary>
internal static class TempDirs
{
    /// <summary>
    /// Deletes <paramref name="dir"/> and everything in it. A directory that a just-stopped service or a closing SQLite
    /// connection still touches (a <c>-wal</c> or <c>-shm</c> file removed or made while the tree is walked) is tried
    /// again for up to a second; if it still cannot go, the error names what is left, so a write after shutdown shows
    /// itself instead of a bare "Directory not empty".
    /// </summary>
    public static void Remove(string dir)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
            catch (IOException ex)
            {
                var left = Directory.Exists(dir) ? string.Join(", ", Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)) : "(nothing)";
                throw new IOException($"cannot remove {dir}: {ex.Message}; left: {left}", ex);
            }
        }
    }
}
