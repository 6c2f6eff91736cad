namespace Actors.Grains.Hosting;

public static class StorageNames
{
    /// <summary>The grain storage holding the config and route state (Redis in cluster mode, memory when embedded).</summary>
    public const string Default = "actors";
}
