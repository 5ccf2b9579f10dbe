namespace Robot.Runtime.Tasks;

/// <summary>
/// <see cref="TaskStore.Open"/> refused a store file another task store (another robot runtime,
/// or another store in this process) holds open. Nothing was read or changed: the owner's tasks
/// are untouched.
/// </summary>
public sealed class TaskStoreInUseException : IOException
{
    /// <summary>Creates the refusal for <paramref name="databasePath"/>, whose owner holds <paramref name="lockPath"/>.</summary>
    /// <param name="databasePath">The store file (full path).</param>
    /// <param name="lockPath">The lock file its owner holds.</param>
    /// <param name="inner">The failed lock attempt.</param>
    public TaskStoreInUseException(string databasePath, string lockPath, Exception? inner = null)
        : base($"the task store {databasePath} is in use by another robot runtime (it holds the lock file {lockPath}); " +
               "stop that runtime first, or give this one its own store (--tasks-db)", inner)
    {
        DatabasePath = databasePath;
        LockPath = lockPath;
    }

    /// <summary>The store file that is in use.</summary>
    public string DatabasePath { get; }

    /// <summary>The lock file its owner holds.</summary>
    public string LockPath { get; }
}
