using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;

namespace HeaterOrleans.UnitTests;

public class ControlLawTests
{
    private static readonly SensorSetting Setting = new(Desired: 20, UpDelta: 0.5, DownDelta: 1.0);

    // The seed's cases: band is [19.0, 20.5] for this setting; bounds are inside the band.
    [Theory]
    [InlineData(20.6, null, HeaterAction.Off)]
    [InlineData(25.0, HeaterAction.On, HeaterAction.Off)]
    [InlineData(20.6, HeaterAction.Off, null)]
    [InlineData(18.9, null, HeaterAction.On)]
    [InlineData(10.0, HeaterAction.Off, HeaterAction.On)]
    [InlineData(18.9, HeaterAction.On, null)]
    [InlineData(20.0, null, null)]
    [InlineData(20.5, null, null)]
    [InlineData(19.0, null, null)]
    [InlineData(20.0, HeaterAction.On, null)]
    [InlineData(20.0, HeaterAction.Off, null)]
    public void Decides_as_the_seed(double temperature, HeaterAction? lastAction, HeaterAction? expected) =>
        Assert.Equal(expected, ControlLaw.Decide(Setting, lastAction, temperature));

    [Theory]
    [InlineData(-100.0)]
    [InlineData(20.0)]
    [InlineData(100.0)]
    public void No_setting_means_no_command(double temperature) =>
        Assert.Null(ControlLaw.Decide(null, null, temperature));

    [Fact]
    public void Zero_deltas_switch_on_any_deviation()
    {
        var exact = new SensorSetting(20, 0, 0);
        Assert.Null(ControlLaw.Decide(exact, null, 20.0));
        Assert.Equal(HeaterAction.Off, ControlLaw.Decide(exact, null, 20.000001));
        Assert.Equal(HeaterAction.On, ControlLaw.Decide(exact, null, 19.999999));
    }
}
