using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// Scaling as Kubernetes does it, on loopback: silo processes on one broker and one database, grown from 1
/// to 3 and shrunk back to 1 (SIGTERM, as a scale-down does) while readings flow. Partitions and grains
/// move, and the reference model finds nothing lost. After each step, once the grains have followed their
/// partitions, the ingress calls them on their own silo (placement by partition, migration on rebalance).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScalingTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Growing_from_one_to_three_silos_and_back_loses_nothing()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        using var kafka = new TestBroker(partitions: 6);
        var workload = new Workload(kafka, sensors: 300);
        using var first = ChildProcess.StartOn(kafka, database);
        await ChildProcess.WaitForPartitionsAsync(TimeSpan.FromSeconds(60), first);
        await workload.SendSettingsAsync();
        await Phase("1 silo", [workload], kafka, rounds: 15);
        await AssertCallsLocalAsync("1 silo", [workload], kafka, first);

        using var second = ChildProcess.StartOn(kafka, database);
        using var third = ChildProcess.StartOn(kafka, database);
        await ChildProcess.WaitForPartitionsAsync(TimeSpan.FromSeconds(60), second, third);
        // No reading has come since they joined: the first silo sends the grains of the partitions it gave up to their
        // new silos by itself, not each on its sensor's next reading (which, for an idle sensor, may be never).
        await Eventually.True(() => second.ActiveSensors > 0 && third.ActiveSensors > 0, TimeSpan.FromSeconds(90),
            "grains moved to the new silos before any reading reached them");
        Assert.True(first.Logged("Placement: moving"), "the first silo should have moved grains");
        var newcomers = new Workload(kafka, sensors: 300, seed: 12, firstSensorId: 1001);
        await newcomers.SendSettingsAsync();
        await Phase("3 silos", [workload, newcomers], kafka, rounds: 15);
        await Eventually.True(() => new[] { first, second, third }.All(s => s.ActiveSensors > 0),
            TimeSpan.FromSeconds(60), "sensor grains in every silo");
        output.WriteLine($"sensors active per silo: {string.Join(", ", new[] { first, second, third }.Select(s => s.ActiveSensors))}");
        await AssertCallsLocalAsync("3 silos", [workload, newcomers], kafka, first, second, third);

        var stops = new[] { second.TerminateAsync(TimeSpan.FromSeconds(60)), third.TerminateAsync(TimeSpan.FromSeconds(60)) };
        await Phase("back to 1 silo", [workload, newcomers], kafka, rounds: 15);
        Assert.All(await Task.WhenAll(stops), code => Assert.Equal(0, code));
        await AssertCallsLocalAsync("back to 1 silo", [workload, newcomers], kafka, first);

        await Eventually.True(() => kafka.GroupCaughtUp("heater-controller", TestBroker.Readings, TestBroker.Settings),
            TimeSpan.FromSeconds(90), "the remaining silo to commit everything");
        var (expected, duplicates, lost) = workload.Check();
        var (expectedNew, duplicatesNew, lostNew) = newcomers.Check();
        output.WriteLine($"expected commands {expected + expectedNew}, duplicates {duplicates + duplicatesNew} ({duplicates} of the first sensors, {duplicatesNew} of the newcomers), lost {lost.Count + lostNew.Count}");
        lost.Concat(lostNew).ToList().ForEach(output.WriteLine);
        Assert.Empty(lostNew);
        Assert.True(expected > 1000, $"the workload should switch heaters often; it expected {expected} commands");
        Assert.Empty(lost);
        Assert.True(Regex.Matches(string.Join('\n', first.Output), "Ingress assigned").Count >= 2, "partitions should come back to the first silo");
    }

    /// <summary>
    /// A few more rounds once a step has settled: at least 99 % of the grain calls they cause are local (a grain on
    /// the silo that consumed the record). With Orleans' own placement about (N-1)/N of them were remote.
    /// </summary>
    private async Task AssertCallsLocalAsync(string step, Workload[] workloads, TestBroker kafka, params ChildProcess[] silos)
    {
        var (local, remote) = await GrainLocality.AssertLocalAsync(
            step, () => Phase($"{step}, settled", workloads, kafka, rounds: 5), workloads.Sum(w => w.Sensors.Count()), silos);
        output.WriteLine($"{step}: {local} grain calls local, {remote} remote");
    }

    /// <summary>Sends rounds as fast as the broker takes them and reports how fast the group committed them.</summary>
    private async Task Phase(string name, Workload[] workloads, TestBroker kafka, int rounds)
    {
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            await Task.WhenAll(workloads.Select(w => w.SendRoundAsync()));
        }

        await Eventually.True(() => kafka.GroupCaughtUp("heater-controller", TestBroker.Readings), TimeSpan.FromSeconds(90), $"{name}: caught up");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {rounds * workloads.Sum(w => w.Sensors.Count())} readings processed in {clock.Elapsed.TotalSeconds:F1} s"));
    }
}
