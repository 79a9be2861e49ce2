namespace HeaterOrleans.Simulation;

/// <summary>What a plotted heater did: its true temperature, its readings and when its heater was on.</summary>
public sealed class HeaterTrace
{
    public List<double> Times { get; } = [];

    public List<double> Temperatures { get; } = [];

    public List<double> ReadingTimes { get; } = [];

    public List<double> Readings { get; } = [];

    /// <summary>Closed intervals, simulated seconds, during which the heater was on.</summary>
    public List<(double From, double To)> OnPeriods { get; } = [];

    internal double? OnSince { get; set; }

    internal void Point(double time, double temperature)
    {
        Times.Add(time);
        Temperatures.Add(temperature);
    }
}
