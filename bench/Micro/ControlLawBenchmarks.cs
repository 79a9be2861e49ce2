using BenchmarkDotNet.Attributes;
using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;

namespace HeaterOrleans.Micro;

/// <summary>The control law per reading: inside the band, crossing it, and with no setting.</summary>
public class ControlLawBenchmarks
{
    private readonly SensorSetting _setting = new(21.5, 0.5, 0.5);

    [Benchmark(Baseline = true)]
    public HeaterAction? InBand() => ControlLaw.Decide(_setting, HeaterAction.On, 21.4);

    [Benchmark]
    public HeaterAction? Crossing() => ControlLaw.Decide(_setting, HeaterAction.On, 23.0);

    [Benchmark]
    public HeaterAction? NoSetting() => ControlLaw.Decide(null, null, 23.0);
}
