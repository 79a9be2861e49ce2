using HeaterOrleans.Silo.Kafka.Embedded;

namespace HeaterOrleans.UnitTests;

public class HighWatermarkHistoryTests
{
    [Fact]
    public void Nothing_is_older_than_the_window_until_a_window_has_passed()
    {
        var history = new HighWatermarkHistory(TimeSpan.FromSeconds(10));
        history.Add(at: 0, high: 100);
        history.Add(at: 5_000, high: 600);
        Assert.Equal(0, history.OlderThanWindow(now: 9_999));
        Assert.Equal(100, history.OlderThanWindow(now: 10_000));
    }

    [Fact]
    public void The_bound_is_the_end_offset_seen_a_window_ago()
    {
        var history = new HighWatermarkHistory(TimeSpan.FromSeconds(10));
        for (var second = 0; second <= 30; second++)
        {
            history.Add(at: second * 1_000, high: second * 100);
        }

        // At 30 s, what was written before 20 s (offsets below 2,000) is older than the window; 2,000 onwards is not.
        Assert.Equal(2_000, history.OlderThanWindow(now: 30_000));
        Assert.Equal(2_000, history.OlderThanWindow(now: 30_500));
    }

    [Fact]
    public void A_zero_window_bounds_at_the_latest_end()
    {
        var history = new HighWatermarkHistory(TimeSpan.Zero);
        history.Add(at: 1_000, high: 50);
        history.Add(at: 2_000, high: 80);
        Assert.Equal(80, history.OlderThanWindow(now: 2_000));
    }
}
