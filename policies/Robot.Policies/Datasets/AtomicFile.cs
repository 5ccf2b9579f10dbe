using System.Runtime.InteropServices;

namespace Robot.Policies.Datasets;

/// <summary>
/// Durable file replacement: write <c>path.partial</c>, flush it to disk (fsync), rename it over
/// the target path (atomic on POSIX file systems), then fsync the folder so the rename
/// itself survives a power cut. A reader sees the old file or the new one, never a torn one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes through <paramref name="write"/> and commits atomically.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="syncFile">fsync the content before the rename (false only for files derivable from others, e.g. stats.json).</param>
    /// <param name="syncDirectory">fsync the folder after the rename (false when a later write in the same folder does it).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task WriteAsync(string path, Func<Stream, Task> write, bool syncFile = true, bool syncDirectory = true, CancellationToken cancellationToken = default)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string temp = path + LeRobotFormat.TempSuffix;
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.None))
        {
            await write(stream).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: syncFile);
        }
        File.Move(temp, path, overwrite: true);
        if (syncDirectory)
        {
            FsyncDirectory(dir);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> and commits atomically.</summary>
    public static Task WriteAllBytesAsync(string path, byte[] bytes, bool syncFile = true, bool syncDirectory = true, CancellationToken cancellationToken = default) =>
        WriteAsync(path, s => s.WriteAsync(bytes, cancellationToken).AsTask(), syncFile, syncDirectory, cancellationToken);

    /// <summary>Flushes a folder's entries (renames, creations) to disk. No-op where folders cannot be opened (Windows).</summary>
    public static void FsyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }
        int fd = Native.open(dir, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }
        _ = Native.fsync(fd);
        _ = Native.close(fd);
    }

    private static partial class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
