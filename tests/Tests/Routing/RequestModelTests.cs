using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Routing;

/// <summary>Kong's model templates and an unset model name, filled in from one request (pure, no pipeline).</summary>
public class RequestModelTests
{
    private static readonly Dictionary<(string, string), string> Values = new()
    {
        [(ModelTemplate.Headers, "x-model")] = "gpt-5",
        [(ModelTemplate.QueryParams, "region")] = "eu",
        [(ModelTemplate.UriCaptures, "deployment")] = "dep-1",
        [(ModelTemplate.Headers, "x-sneaky")] = "${{ env \"DECK_OPENAI_API_KEY\" }}",
    };

    private static string? Lookup(string source, string name) => Values.GetValueOrDefault((source, name));

    [Theory]
    [InlineData("gpt-4.1", "gpt-4.1")]
    [InlineData("$(headers.x-model)", "gpt-5")]
    [InlineData("prefix-$(query_params.region)-suffix", "prefix-eu-suffix")]
    [InlineData("$(uri_captures.deployment)/$(headers.x-model)", "dep-1/gpt-5")]
    [InlineData("unclosed $(headers.x-model", "unclosed $(headers.x-model")]
    public void Templates_are_filled_from_the_request(string value, string expected)
    {
        Assert.Equal(expected, ModelTemplate.Fill(value, Lookup, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("$(headers.x-missing)", "headers key x-missing was not provided")]
    [InlineData("$(query_params.nope)", "query_params key nope was not provided")]
    [InlineData("$(cookies.session)", "source 'cookies' is not supported")]
    [InlineData("$(headers)", "cannot parse expression for field '$(headers)'")]
    [InlineData("$(headers.a.b)", "cannot parse expression for field '$(headers.a.b)'")]
    [InlineData("$(headers.x-sneaky)", "headers key x-sneaky must not contain '${{'")]
    public void A_template_the_request_cannot_fill_is_an_error_in_kongs_words(string value, string message)
    {
        Assert.Null(ModelTemplate.Fill(value, Lookup, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void The_name_and_every_string_option_are_filled_and_the_rest_is_kept()
    {
        var spec = new TargetSpec
        {
            Provider = "azure", ModelName = "$(headers.x-model)", Weight = 7,
            Options = new ModelOptions
            {
                Temperature = 0.5, UpstreamUrl = "http://127.0.0.1:9/$(query_params.region)/v1",
                ProviderOptions = new Dictionary<string, string> { ["azure_deployment_id"] = "$(uri_captures.deployment)", ["azure_api_version"] = "2024-01-01" },
            },
        };

        Assert.True(RequestModel.DependsOnRequest(spec));
        var filled = RequestModel.Fill(spec, "client-model", Lookup, out var error)!;

        Assert.Null(error);
        Assert.Equal(("gpt-5", "http://127.0.0.1:9/eu/v1", 0.5, 7), (filled.ModelName, filled.Options.UpstreamUrl, filled.Options.Temperature, filled.Weight));
        Assert.Equal("dep-1", filled.Options.ProviderOptions["azure_deployment_id"]);
        Assert.Equal("2024-01-01", filled.Options.ProviderOptions["azure_api_version"]);
    }

    [Fact]
    public void An_unset_name_takes_the_requests_model_and_without_one_is_kongs_400()
    {
        var spec = new TargetSpec { Provider = "openai", ModelName = "" };

        Assert.True(RequestModel.DependsOnRequest(spec));
        Assert.Equal("client-model", RequestModel.Fill(spec, "client-model", Lookup, out _)!.ModelName);
        Assert.Null(RequestModel.Fill(spec, null, Lookup, out var error));
        Assert.Equal("model parameter not found in request, nor in gateway configuration", error);
    }

    [Fact]
    public void A_fixed_target_does_not_depend_on_the_request_and_is_its_own_resolution()
    {
        var spec = new TargetSpec { Provider = "openai", ModelName = "gpt-4.1", Options = new ModelOptions { UpstreamUrl = "http://127.0.0.1:9/v1" } };
        var target = ResolvedTarget.Resolve(0, spec, ProviderRegistry.Default, _ => null);

        Assert.False(RequestModel.DependsOnRequest(spec));
        Assert.Same(target, target.ForRequest("other", Lookup, out _));
    }

    [Fact]
    public void A_templated_target_resolves_per_request_and_a_url_the_request_breaks_is_an_error_without_the_url()
    {
        var spec = new TargetSpec { Provider = "openai", ModelName = "m", Options = new ModelOptions { UpstreamUrl = "$(headers.x-model)://host/v1?key=secret" } };
        var target = ResolvedTarget.Resolve(3, spec, ProviderRegistry.Default, _ => null);

        Assert.Null(target.Problem); // checked per request, not when the table is built
        Assert.Null(target.ForRequest(null, Lookup, out var error));
        Assert.Equal("target 3's upstream is not valid with the values this request gave its templates", error);

        var good = ResolvedTarget.Resolve(0, spec with { Options = new ModelOptions { UpstreamUrl = "http://h/$(query_params.region)" } }, ProviderRegistry.Default, _ => null);
        Assert.Equal("http://h/eu", good.ForRequest(null, Lookup, out _)!.Exchange!.Url!.ToString());
    }
}
