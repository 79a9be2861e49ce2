using System.Diagnostics.Metrics;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// Sums what a counter records while the probe lives. Meters are process-wide, so other tests running at the
/// same time add to it too: assert lower bounds only.
/// </summary>
public sealed class CounterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterProbe(string meter, string instrument)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == meter && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
