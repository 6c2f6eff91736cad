using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Buffers;
using Actors.Api.Forwarding;

namespace Actors.Api.Routing.Semantic;

/// <summary>Which targets a <c>semantic</c> request leaves out, or why none could be chosen (the embeddings call failed).</summary>
public readonly record struct SemanticChoice(ulong Excluded, string? Failure = null, bool Misconfigured = false);

/// <summary>
/// Kong's <c>semantic</c> algorithm on the API node: embeds the request's prompt (<see cref="PromptText"/>) and, once
/// per route revision on this node, the targets' descriptions; <see cref="SemanticGroups"/> then says which targets
/// to leave out of the route grain's pick.
/// </summary>
public sealed class SemanticSelector(UpstreamClients clients, ILogger<SemanticSelector> logger)
{
    /// <summary>Revisions kept; a config change makes new ones, and the old ones are dropped past this.</summary>
    private const int MaxCachedRevisions = 256;

    private readonly ConcurrentDictionary<string, Lazy<Task<float[][]>>> _descriptionVectors = new(StringComparer.Ordinal);

    public async Task<SemanticChoice> ChooseAsync(ResolvedRoute route, SemanticRoute semantic, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (semantic.Endpoint.Problem is { } problem) return new SemanticChoice(0, problem, Misconfigured: true);
        if (!semantic.Groups.NeedsEmbeddings) return new SemanticChoice(semantic.Groups.Excluded(null, []));
        var prompt = PromptText.Extract(body);
        try
        {
            var descriptions = await DescriptionVectorsAsync(route, semantic).WaitAsync(cancellationToken);
            var promptVector = prompt is null ? null : (await EmbedAsync(route, semantic.Endpoint, [prompt], cancellationToken))[0];
            return new SemanticChoice(semantic.Groups.Excluded(promptVector, descriptions));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Route {Route}: the embeddings call failed: {Error}", route.Name, ex.Message);
            return new SemanticChoice(0, ex is OperationCanceledException ? "it did not answer within the route's timeouts" : ex.Message);
        }
    }

    /// <summary>Computed on the first request after a revision; a failure is not kept, so the next request tries again.</summary>
    private Task<float[][]> DescriptionVectorsAsync(ResolvedRoute route, SemanticRoute semantic)
    {
        var key = route.Spec.Revision;
        if (_descriptionVectors.Count > MaxCachedRevisions) _descriptionVectors.Clear();
        var lazy = _descriptionVectors.GetOrAdd(key, _ => new Lazy<Task<float[][]>>(
            () => EmbedAsync(route, semantic.Endpoint, semantic.Groups.Descriptions, CancellationToken.None)));
        var task = lazy.Value;
        task.ContinueWith(t => _descriptionVectors.TryRemove(new(key, lazy)), TaskContinuationOptions.NotOnRanToCompletion);
        return task;
    }

    /// <summary>The vectors of <paramref name="inputs"/>, in as many calls as the provider's limit per call needs.</summary>
    private async Task<float[][]> EmbedAsync(ResolvedRoute route, EmbeddingsEndpoint endpoint, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        var vectors = new List<float[]>(inputs.Count);
        foreach (var chunk in inputs.Chunk(endpoint.MaxInputs)) vectors.AddRange(await EmbedCallAsync(route, endpoint, chunk, cancellationToken));
        return [.. vectors];
    }

    private async Task<IReadOnlyList<float[]>> EmbedCallAsync(ResolvedRoute route, EmbeddingsEndpoint endpoint, string[] inputs, CancellationToken cancellationToken)
    {
        var balancer = route.Spec.Balancer;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds((long)balancer.ConnectTimeoutMs + balancer.WriteTimeoutMs + balancer.ReadTimeoutMs));
        var body = new ArrayBufferWriter<byte>(256);
        var provider = endpoint.WriteRequest(inputs, body);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ReadOnlyMemoryContent(body.WrittenMemory) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (endpoint.HeaderName is { } name) request.Headers.TryAddWithoutValidation(name, endpoint.HeaderValue);
        foreach (var (header, value) in provider.Headers) HeaderTransformer.Set(request, header, value);
        if (provider.Sign is { } sign)
            foreach (var (header, value) in sign(request, body.WrittenMemory)) HeaderTransformer.Set(request, header, value);
        using var response = await clients.For(endpoint.Url!, balancer.ConnectTimeoutMs).SendAsync(request, timeout.Token);
        // Never the body: a provider's error may echo the credential.
        if (!response.IsSuccessStatusCode) throw new EmbeddingsException($"the embeddings model answered HTTP {(int)response.StatusCode}");
        var answer = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        try
        {
            return endpoint.ReadVectors(answer, response.Headers, inputs.Length);
        }
        catch (FormatException ex)
        {
            throw new EmbeddingsException(ex.Message);
        }
    }
}

/// <summary>An embeddings answer this gateway cannot use.</summary>
public sealed class EmbeddingsException(string message) : Exception(message);
