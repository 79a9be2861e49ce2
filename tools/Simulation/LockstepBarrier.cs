using System.Diagnostics;
using HeaterOrleans.Silo.Diagnostics;

namespace HeaterOrleans.Simulation;

/// <summary>
/// The lockstep's wait between steps: every reading and setting produced so far has been answered by the service
/// (acknowledged by its sensor grain, or dead-lettered), and every command the service published has been handed to
/// its room. A grain acknowledges a reading only after the broker has acknowledged the command it caused, and the
/// service counts that command first; so once the records are answered, the command count covers all they caused,
/// and the listener (reading the commands topic from its start) must have handled at least that many. The service and
/// its topics are fresh, so its totals need no baseline.
/// </summary>
internal sealed class LockstepBarrier(HeaterMetrics metrics, CommandListener listener, Func<long> failedProduces)
{
    private long _produced;

    /// <summary>Readings and settings produced to the service's input topics.</summary>
    public long Produced => Interlocked.Read(ref _produced);

    private long Answered => metrics.ReadingsTotal + metrics.SettingsTotal + metrics.DeadLetteredTotal + failedProduces();

    public void Producing() => Interlocked.Increment(ref _produced);

    /// <summary>
    /// Waits until the service has answered everything produced and the rooms have every command; null when it
    /// did, otherwise what was missing after <paramref name="timeout"/> of real time. Call after the producer's flush.
    /// </summary>
    public string? Wait(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var produced = Produced;
        while (Answered < produced)
        {
            if (Pause(started, timeout, cancellationToken))
            {
                return $"the service answered {Answered:N0} of {produced:N0} records within {timeout}";
            }
        }

        var published = metrics.CommandsTotal;
        while (listener.Handled < published)
        {
            if (Pause(started, timeout, cancellationToken))
            {
                return $"the rooms got {listener.Handled:N0} of the {published:N0} commands the service published within {timeout}";
            }
        }

        return null;
    }

    /// <summary>A short sleep (a step takes milliseconds); true once the time is up.</summary>
    private static bool Pause(long started, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Stopwatch.GetElapsedTime(started) > timeout)
        {
            return true;
        }

        Thread.Sleep(1);
        return false;
    }
}
