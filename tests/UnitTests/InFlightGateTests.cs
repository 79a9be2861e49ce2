using HeaterOrleans.Silo.Ingress;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeaterOrleans.UnitTests;

public class InFlightGateTests
{
    [Fact]
    public void Bounds_records_in_flight_by_count_and_by_bytes_and_lets_a_large_record_go_alone()
    {
        var gate = new InFlightGate(capacity: 3, maxBytes: 100, NullLogger.Instance);

        Assert.True(gate.TryEnter(60));
        Assert.False(gate.TryEnter(60));            // 120 bytes would exceed the bound
        Assert.True(gate.TryEnter(40));
        Assert.Equal(100, gate.Bytes);
        gate.Exit(60);
        gate.Exit(40);

        Assert.True(gate.TryEnter(1_000_000));      // larger than the bound, but alone: it must not wedge the partition
        Assert.False(gate.TryEnter(1));
        gate.Exit(1_000_000);

        Assert.True(gate.TryEnter(1) && gate.TryEnter(1) && gate.TryEnter(1));
        Assert.False(gate.TryEnter(1));             // the count bound
        Assert.Equal(3, gate.Count);
    }
}
