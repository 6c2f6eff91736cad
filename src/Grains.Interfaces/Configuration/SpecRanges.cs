using System.Globalization;

namespace Actors.Grains.Interfaces.Configuration;

/// <summary>An inclusive integer range; its problem text is shared by the decK parser and the model's validation.</summary>
public readonly record struct IntRange(long Min, long Max)
{
    public bool Contains(long value) => value >= Min && value <= Max;
    public string Problem => $"must be between {Min.ToString(CultureInfo.InvariantCulture)} and {Max.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>An inclusive range of finite numbers.</summary>
public readonly record struct NumberRange(double Min, double Max)
{
    public bool Contains(double value) => double.IsFinite(value) && value >= Min && value <= Max;
    public string Problem => $"must be between {Min.ToString(CultureInfo.InvariantCulture)} and {Max.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Every numeric bound of the config, from Kong's 3.15 schema unless said otherwise.</summary>
public static class SpecRanges
{
    public static readonly IntRange Weight = new(1, 65535);
    public static readonly IntRange Retries = new(0, 32767);
    public static readonly IntRange TimeoutMs = new(1, 2147483646);
    public static readonly IntRange MaxFails = new(0, 32767);
    public static readonly IntRange Slots = new(10, 65536);
    public static readonly IntRange TopK = new(0, 500);
    /// <summary>Not bounded by Kong; at least one token.</summary>
    public static readonly IntRange MaxTokens = new(1, int.MaxValue);
    public static readonly IntRange PositiveInt = new(1, int.MaxValue);
    public static readonly IntRange NonNegativeInt = new(0, int.MaxValue);
    public static readonly NumberRange Temperature = new(0, 5);
    public static readonly NumberRange TopP = new(0, 1);
    public static readonly NumberRange Cost = new(0, double.MaxValue);
    public static readonly NumberRange NonNegative = new(0, double.MaxValue);
}

public static class RouteLimits
{
    /// <summary>Targets per route; failover excludes tried targets with a 64-bit mask.</summary>
    public const int MaxTargets = 64;
}
