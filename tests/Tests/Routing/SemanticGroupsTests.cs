using Actors.Api.Routing.Semantic;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Routing;

public sealed class SemanticGroupsTests
{
    private static TargetSpec Described(string? description) => new() { Provider = "openai", ModelName = "m", Description = description };

    // targets: 0 math, 1 code, 2 math (same description: one group), 3 CATCHALL
    private static readonly TargetSpec[] Targets = [Described("math"), Described("code"), Described("math"), Described(RouteSpec.CatchAll)];
    private static readonly float[][] Vectors = [[1, 0, 0], [0, 1, 0]];

    [Fact]
    public void Descriptions_are_distinct_and_leave_out_catchall()
    {
        Assert.Equal(["math", "code"], new SemanticGroups(Targets, null).Descriptions);
    }

    [Fact]
    public void The_closest_description_keeps_its_whole_group_and_leaves_out_every_other_target()
    {
        var groups = new SemanticGroups(Targets, null);

        Assert.Equal(0b1010UL, groups.Excluded([0.9f, 0.1f, 0], Vectors));   // math: targets 0 and 2 stay
        Assert.Equal(0b1101UL, groups.Excluded([0.1f, 0.9f, 0], Vectors));   // code: target 1 stays
    }

    [Fact]
    public void Nothing_within_the_threshold_goes_to_catchall()
    {
        var groups = new SemanticGroups(Targets, new VectorDbSpec { Threshold = 0.2 });

        Assert.Equal(0b1010UL, groups.Excluded([1, 0.1f, 0], Vectors));      // distance ~0.005: math
        Assert.Equal(0b0111UL, groups.Excluded([0.1f, 0.1f, 1], Vectors));   // far from both: CATCHALL only
        Assert.Equal(0b0111UL, groups.Excluded(null, Vectors));              // no prompt text: CATCHALL
    }

    [Fact]
    public void Without_catchall_the_closest_group_serves_even_beyond_the_threshold_and_no_prompt_leaves_all()
    {
        var groups = new SemanticGroups([Described("math"), Described("code")], new VectorDbSpec { Threshold = 0.1 });

        Assert.Equal(0b01UL, groups.Excluded([0.2f, 0.3f, 1], Vectors));
        Assert.Equal(0UL, groups.Excluded(null, Vectors));
    }

    [Fact]
    public void Euclidean_metric_and_threshold()
    {
        var groups = new SemanticGroups(Targets, new VectorDbSpec { DistanceMetric = VectorDbSpec.Euclidean, Threshold = 0.5 });

        Assert.Equal(0b1101UL, groups.Excluded([0, 1.3f, 0], Vectors));      // 0.3 from code
        Assert.Equal(0b0111UL, groups.Excluded([0, 2, 0], Vectors));         // 1.0 from code: beyond
    }

    [Theory]
    [InlineData(new float[] { 1, 0 }, new float[] { 1, 0 }, 0)]
    [InlineData(new float[] { 1, 0 }, new float[] { 0, 1 }, 1)]
    [InlineData(new float[] { 1, 0 }, new float[] { -1, 0 }, 2)]
    [InlineData(new float[] { 2, 0 }, new float[] { 5, 0 }, 0)]
    public void Cosine_distance_is_one_minus_similarity(float[] a, float[] b, double expected)
    {
        Assert.Equal(expected, SemanticGroups.Distance(VectorDbSpec.Cosine, a, b), 6);
    }

    [Fact]
    public void Vectors_that_cannot_be_compared_are_infinitely_far()
    {
        Assert.Equal(double.PositiveInfinity, SemanticGroups.Distance(VectorDbSpec.Cosine, [1, 0], [1, 0, 0]));
        Assert.Equal(double.PositiveInfinity, SemanticGroups.Distance(VectorDbSpec.Cosine, [0, 0], [1, 0]));
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"system","content":"be nice"},{"role":"user","content":"first"},{"role":"assistant","content":"ok"},{"role":"user","content":"solve the integral"}]}""", "solve the integral")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"b"}]}]}""", "a\nb")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"gemini text"}]}]}""", "gemini text")]
    [InlineData("""{"prompt":"legacy"}""", "legacy")]
    [InlineData("""{"input":["one","two"]}""", "one\ntwo")]
    [InlineData("""{"input":[{"role":"user","content":[{"type":"input_text","text":"responses"}]}]}""", "responses")]
    [InlineData("""{"messages":[{"role":"system","content":"only system"}]}""", null)]
    [InlineData("""{"messages":[{"role":"user","content":"  "}]}""", null)]
    [InlineData("""not json""", null)]
    public void Prompt_text_is_the_last_user_message_or_the_whole_input(string body, string? expected)
    {
        Assert.Equal(expected, PromptText.Extract(System.Text.Encoding.UTF8.GetBytes(body)));
    }
}
