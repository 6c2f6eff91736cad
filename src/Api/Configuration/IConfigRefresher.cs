namespace Actors.Api.Configuration;

/// <summary>Brings this node's route table up to the cluster's config version now (instead of at the next poll).</summary>
public interface IConfigRefresher
{
    Task RefreshAsync(CancellationToken cancellationToken);
}
