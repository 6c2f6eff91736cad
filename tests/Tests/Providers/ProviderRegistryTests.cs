using System.Text.Json;
using Actors.Api.Providers;
using Actors.Tests.Support;

namespace Actors.Tests.Providers;

public sealed class ProviderRegistryTests
{
    [Fact]
    public void Every_provider_kongs_schema_accepts_has_a_driver()
    {
        var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(SeedFiles.RepositoryRoot, "..", "shared", "reference", "kong-ai-proxy-advanced-3.15.schema.json")));
        var providers = schema.RootElement.GetProperty("properties").GetProperty("config").GetProperty("properties").GetProperty("targets")
            .GetProperty("items").GetProperty("properties").GetProperty("model").GetProperty("properties").GetProperty("provider")
            .GetProperty("enum").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal);
        Assert.Equal(providers, ProviderRegistry.Default.Names);
        Assert.All(ProviderRegistry.Default.Names, name => Assert.Equal(name, ProviderRegistry.Default.Find(name)!.Name));
    }
}
