using Actors.Api.Configuration;
using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;
using Actors.Tests.Support;

namespace Actors.Tests.Configuration;

/// <summary>The model guards itself: what the config grain can check without the decK parser.</summary>
public class GatewayConfigValidationTests
{
    private const string Config = "services[0].routes[0].plugins[ai-proxy-advanced].config";

    private static GatewayConfig Seed() =>
        DeckParsing.Parse(SeedFiles.SeedYaml).Config!;

    private static GatewayConfig With(RouteSpec route, params ConsumerSpec[] consumers) =>
        new() { Services = [new ServiceSpec { Routes = [route] }], Consumers = consumers };

    private static RouteSpec Route(params TargetSpec[] targets) =>
        new RouteSpec { Name = "r", Paths = ["/r"], Targets = targets }.WithRevision();

    private static TargetSpec Target(string model = "m") => new() { Provider = "openai", ModelName = model };

    [Fact]
    public void A_parsed_config_is_valid_for_the_model_too()
    {
        Assert.Empty(Seed().Validate());
    }

    [Fact]
    public void Everything_that_would_make_a_grain_throw_is_a_problem_with_its_path()
    {
        var route = Route([.. Enumerable.Range(0, 65).Select(i => Target($"m{i}"))]) with
        {
            Balancer = new BalancerSpec { Algorithm = "fastest", Slots = 5, FailoverCriteria = ["http_999"] },
        };
        route = route with { Targets = [Target() with { Weight = 0 }, .. route.Targets.Skip(1)] };

        var problems = With(route).Validate().Select(p => p.ToString()).ToList();

        Assert.Contains($"{Config}.targets: may list at most 64 targets", problems);
        Assert.Contains($"{Config}.targets[0].weight: must be between 1 and 65535", problems);
        Assert.Contains($"{Config}.balancer.algorithm: 'fastest' is not a known algorithm; supported: round-robin, lowest-latency, lowest-usage, consistent-hashing, priority, least-connections, semantic", problems);
        Assert.Contains($"{Config}.balancer.slots: must be between 10 and 65536", problems);
        Assert.Contains($"{Config}.balancer.failover_criteria[0]: 'http_999' is not a known failover criterion; supported: error, timeout, invalid_header, http_403, http_404, http_429, http_500, http_502, http_503, http_504, non_idempotent", problems);
        Assert.Equal(5, problems.Count);
    }

    [Fact]
    public void Routes_names_paths_and_revisions_are_checked()
    {
        var unnamed = new RouteSpec { Name = "", Paths = ["nope", "~/x(", "~/ok/(?<model>[^/]+)"], Targets = [Target()], PluginScope = RouteSpec.ServiceScope };
        var twin = Route(Target()) with { Name = "a", Paths = ["/x"] };

        var problems = new GatewayConfig { Services = [new ServiceSpec { Routes = [unnamed, twin, twin] }] }.Validate().Select(p => p.ToString()).ToList();

        Assert.Equal(
        [
            "services[0].routes[0].name: required",
            "services[0].routes[0].paths[0]: must start with /",
            "services[0].routes[0].paths[1]: is not a valid regular expression (Invalid pattern '^/x(' at offset 4. Not enough )'s.)",
            "services[0].routes[0]: has no revision (build the spec with WithRevision())",
            "services[0].routes: route name 'a' is used more than once",
            "services[0].routes: path '/x' of route 'a' is already used by route 'a'",
        ], problems);
    }

    [Fact]
    public void The_model_and_the_parser_use_the_same_words()
    {
        var parsed = DeckParsing.Parse(SeedFiles.SeedYaml.Replace("temperature: 1.0", "temperature: 9"));
        var seed = Seed().Routes.Single();
        var built = With(seed with { Targets = [.. seed.Targets.Select(t => t with { Options = t.Options with { Temperature = 9 } })] });

        var fromParser = parsed.Problems.Select(p => System.Text.RegularExpressions.Regex.Replace(p, @" \(line \d+\)$", "").Replace("plugins[0]", "plugins[ai-proxy-advanced]"));
        var fromModel = built.Validate().Select(p => p.ToString()).ToList();

        Assert.Equal([$"{Config}.targets[0].model.options.temperature: must be between 0 and 5", $"{Config}.targets[1].model.options.temperature: must be between 0 and 5"], fromModel);
        Assert.Equal(fromModel, fromParser);
    }

    [Fact]
    public void Credentials_in_the_model_must_be_env_references()
    {
        var target = Target() with { Auth = new AuthSpec { HeaderName = "Authorization", HeaderValue = "Bearer sk-live", AwsSecretAccessKey = "${{ env \"AWS_KEY\" }}" } };

        var problems = With(Route(target)).Validate().Select(p => p.ToString()).ToList();

        Assert.Equal(
        [
            $"{Config}.targets[0].auth.header_value: {EnvPlaceholders.LiteralCredentialProblem}",
            $"{Config}.targets[0].auth.aws_secret_access_key: environment variable 'AWS_KEY' must start with DECK_",
        ], problems);
    }

    [Fact]
    public void Consumers_hold_only_distinct_digests_and_key_auth_needs_one()
    {
        var digest = ConsumerSpec.DigestKey("a-long-enough-key");
        var guarded = Route(Target()) with { KeyAuth = new KeyAuthSpec() };
        var consumers = new[]
        {
            new ConsumerSpec { Username = "alice", KeyDigests = [digest] },
            new ConsumerSpec { Username = "bob", KeyDigests = [digest, "a-literal-key"], RateLimit = new RateLimitSpec { Limit = 5, PeriodSeconds = 7 } },
        };

        var problems = With(guarded, consumers).Validate().Select(p => p.ToString()).ToList();
        var keyless = With(guarded, new ConsumerSpec { Username = "carol" }).Validate().Select(p => p.ToString());

        Assert.Equal(
        [
            "consumers[1].keyauth_credentials: the same key is already given to consumer 'alice'",
            "consumers[1].keyauth_credentials: must hold SHA-256 digests of keys, never keys",
            "consumers[1].plugins[rate-limiting].config: needs one of second, minute, hour or day",
        ], problems);
        Assert.Equal(["consumers: route 'r' uses key-auth but no consumer has a key"], keyless);
    }

    [Fact]
    public void The_revision_is_a_digest_of_the_spec_without_itself()
    {
        var route = Seed().Routes.Single();

        Assert.Equal(route.Revision, route.ComputeRevision());
        Assert.Equal(route.Revision, (route with { Revision = "stale" }).ComputeRevision());
        Assert.NotEqual(route.Revision, (route with { Targets = route.Targets.Take(1).ToArray() }).ComputeRevision());
        Assert.NotEqual(route.Revision, (route with { Balancer = route.Balancer with { Retries = 1 } }).ComputeRevision());
    }
}
