namespace HeaterOrleans.Contracts.Codec;

/// <summary>
/// The values a reading or setting may carry. A value outside them is a broken sensor or a typo (a setting of 210
/// instead of 21.0), not something to act on: the record is rejected with the reason. Bound from <c>Limits:*</c>.
/// </summary>
public sealed class ValueLimits
{
    public const string SectionName = "Limits";

    public static ValueLimits Default { get; } = new();

    /// <summary>Lowest plausible reading, °C.</summary>
    public double MinTemperature { get; set; } = -50;

    /// <summary>Highest plausible reading, °C.</summary>
    public double MaxTemperature { get; set; } = 100;

    /// <summary>Lowest set temperature accepted, °C.</summary>
    public double MinDesired { get; set; } = -30;

    /// <summary>Highest set temperature accepted, °C.</summary>
    public double MaxDesired { get; set; } = 60;

    /// <summary>Widest <c>upDelta</c> or <c>downDelta</c> accepted, °C (the narrowest is 0).</summary>
    public double MaxDelta { get; set; } = 10;

    /// <summary>The configuration errors of these limits, if any.</summary>
    public IEnumerable<string> Problems()
    {
        if (!(MinTemperature < MaxTemperature))
        {
            yield return $"{SectionName}:MinTemperature ({MinTemperature}) must be below {SectionName}:MaxTemperature ({MaxTemperature}).";
        }

        if (!(MinDesired < MaxDesired))
        {
            yield return $"{SectionName}:MinDesired ({MinDesired}) must be below {SectionName}:MaxDesired ({MaxDesired}).";
        }

        if (!(MaxDelta > 0) || !double.IsFinite(MaxDelta))
        {
            yield return $"{SectionName}:MaxDelta must be a finite number above 0 (was {MaxDelta}).";
        }
    }
}
