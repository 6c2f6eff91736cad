using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing.Semantic;

/// <summary>
/// Kong's <c>semantic</c> choice, as pure logic: the targets grouped by <c>description</c>, and for a prompt's vector
/// the group whose description is closest (within <c>vectordb.threshold</c>, when set); otherwise the targets described
/// <c>CATCHALL</c>. The answer is the targets to leave out of the pick, as <see cref="ModelAliases"/> gives it, so the
/// route's grain still rotates over the group and its circuit breaker and failover still act among it.
/// </summary>
public sealed class SemanticGroups
{
    private readonly ulong[] _groupMembers;
    private readonly ulong _all;
    private readonly ulong _catchAll;
    private readonly string _metric;
    private readonly double? _threshold;

    public SemanticGroups(IReadOnlyList<TargetSpec> targets, VectorDbSpec? vectorDb)
    {
        var descriptions = new List<string>();
        var members = new List<ulong>();
        for (var i = 0; i < targets.Count; i++)
        {
            var bit = 1UL << i;
            _all |= bit;
            if (targets[i].Description is not { Length: > 0 } description) continue;
            if (description == RouteSpec.CatchAll) { _catchAll |= bit; continue; }
            var group = descriptions.IndexOf(description);
            if (group < 0) { descriptions.Add(description); members.Add(0); group = descriptions.Count - 1; }
            members[group] |= bit;
        }
        Descriptions = descriptions;
        _groupMembers = [.. members];
        _metric = vectorDb?.DistanceMetric ?? VectorDbSpec.Cosine;
        _threshold = vectorDb?.Threshold;
    }

    /// <summary>The distinct descriptions to embed, <c>CATCHALL</c> left out, in the order targets give them.</summary>
    public IReadOnlyList<string> Descriptions { get; }

    /// <summary>Whether a request needs its prompt embedded at all (some target has a description other than <c>CATCHALL</c>).</summary>
    public bool NeedsEmbeddings => Descriptions.Count > 0;

    /// <summary>
    /// The targets to leave out for a prompt whose vector is <paramref name="prompt"/> (null: the request has no text),
    /// given the vectors of <see cref="Descriptions"/> in the same order.
    /// </summary>
    public ulong Excluded(float[]? prompt, IReadOnlyList<float[]> descriptionVectors)
    {
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        for (var g = 0; prompt is not null && g < _groupMembers.Length; g++)
        {
            var distance = Distance(_metric, prompt, descriptionVectors[g]);
            if (distance < bestDistance) (best, bestDistance) = (g, distance);
        }
        var close = best >= 0 && (_threshold is not { } limit || bestDistance <= limit);
        if (close) return _all & ~_groupMembers[best];
        // Nothing close enough: the CATCHALL targets; without any, the closest group still serves (or all, without a prompt).
        if (_catchAll != 0) return _all & ~_catchAll;
        return best >= 0 ? _all & ~_groupMembers[best] : 0;
    }

    /// <summary>Cosine distance (<c>1 - cosine similarity</c>) or euclidean distance; vectors of different length are as far apart as can be.</summary>
    public static double Distance(string metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0) return double.PositiveInfinity;
        double dot = 0, normA = 0, normB = 0, squares = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
            squares += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        }
        if (metric == VectorDbSpec.Euclidean) return Math.Sqrt(squares);
        return normA == 0 || normB == 0 ? double.PositiveInfinity : 1 - dot / Math.Sqrt(normA * normB);
    }
}
