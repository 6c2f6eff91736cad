namespace Actors.Grains.Routes;

public sealed class RouteGrainOptions
{
    /// <summary>
    /// How often a route grain writes its rotation and counters to storage when they changed. A crash loses at most
    /// this much history; the rotation itself stays fair because it resumes from the checkpointed scores.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}
