using HeaterOrleans.Simulation;
using static System.FormattableString;
using Xunit.Abstractions;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The control-quality simulation (<c>tools/Simulation</c>) at small scale: rooms in a closed loop through the
/// real service on its embedded broker, with and without an added 1 s delay. In lockstep, so that simulated time
/// waits for the service and no assertion depends on the machine's speed or load. Once settled, every room must
/// stay within its band up to what the physics allows: a wrong control law, a lost command or a stuck heater
/// breaks that bound.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class SimulationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Rooms_stay_in_their_band_follow_a_setting_change_and_the_plots_are_drawn()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"heater-simulation-{Guid.NewGuid():N}");
        var options = new SimulationOptions
        {
            Heaters = 50,
            Duration = TimeSpan.FromMinutes(20),
            // Each simulated second waits for the service's answer: the service itself takes no simulated time.
            Lockstep = true,
            Delays = "0,1",
            // Bounded noise, so that the tolerance below is a bound and not a probability.
            NoiseKind = NoiseKind.Uniform,
            Noise = 0.05,
            Seed = 7,
            Output = folder,
        };

        var report = await RunCommandAsync(options);
        foreach (var v in report.Variants)
        {
            output.WriteLine($"delay {v.AddedDelaySeconds} s: realized p50/p99/max {v.RealizedDelayP50:F2}/{v.RealizedDelayP99:F2}/{v.RealizedDelayMax:F2} s, " +
                $"settled outside {v.SettledOutsideShare:P2}, over/under {v.MaxOvershoot:F3}/{v.MaxUndershoot:F3} °C, switches min {v.FewestSwitches} mean {v.SwitchesPerHeater:F1}");
        }

        Assert.True(report.Passed, string.Join("; ", report.Failures));
        Assert.Equal(2, report.Variants.Count);
        var noiseBound = Math.Sqrt(3) * options.Noise;
        foreach (var v in report.Variants)
        {
            // In lockstep every command reaches its room at its reading's instant, its reading known.
            Assert.Equal(0, v.RealizedDelayMax);
            Assert.Equal(v.Commands, v.DelaySamples);

            // A reading every simulated second, then the added delay: that long the room keeps moving past an
            // edge at most at its fastest rate, and the noise can hide the edge by its bound.
            var reaction = 1 + v.AddedDelaySeconds;
            var heaters = report.Heaters.Where(h => h.DelaySeconds == v.AddedDelaySeconds).ToList();
            Assert.Equal(options.Heaters, heaters.Count);
            foreach (var h in heaters)
            {
                var tolerance = (FastestRate(h, options) * reaction) + noiseBound + 0.01;
                var what = $"sensor {h.SensorId} (delay {h.DelaySeconds} s, tolerance {tolerance:F3} °C)";
                Assert.True(h.SettleSeconds is not null, $"{what} never reached its band");
                Assert.True(h.MaxOvershoot <= tolerance, $"{what} went {h.MaxOvershoot:F3} °C above its band once settled");
                Assert.True(h.MaxUndershoot <= tolerance, $"{what} went {h.MaxUndershoot:F3} °C below its band once settled");
                Assert.True(h.Switches >= 3, $"{what} switched only {h.Switches} times");
                if (h.ChangedDesired is { } desired)
                {
                    Assert.True(h.ResettleSeconds is not null, $"{what} never reached its new band around {desired} °C");
                    Assert.InRange(h.EndTemperature, desired - options.DownDelta - tolerance, desired + options.UpDelta + tolerance);
                }
            }
        }

        // Some heaters had their setting changed, and the added delay costs band time (same rooms, same noise).
        Assert.InRange(report.Variants[0].ChangedHeaters, 5, 30);
        Assert.True(report.Variants[1].SettledOutsideShare > report.Variants[0].SettledOutsideShare,
            $"1 s of added delay should keep rooms outside their band longer: {report.Variants[1].SettledOutsideShare:P2} vs {report.Variants[0].SettledOutsideShare:P2}");

        string[] pngs = ["heaters-delay-0s.png", "heaters-delay-1s.png", "deviation-histogram.png"];
        foreach (var png in pngs.Select(p => Path.Combine(folder, p)).Concat(Directory.GetFiles(folder, "comparison-heater-*.png")))
        {
            Assert.True(File.Exists(png), $"{png} is missing");
            Assert.True(new FileInfo(png).Length > 20_000, $"{png} is only {new FileInfo(png).Length} bytes");
        }

        Assert.Single(Directory.GetFiles(folder, "comparison-heater-*.png"));
        Assert.Equal((int)options.Duration.TotalSeconds, report.LockstepSteps);
        Assert.Equal(1 + (2 * options.Heaters), File.ReadAllLines(Path.Combine(folder, "simulation-heaters.csv")).Length);
        Directory.Delete(folder, recursive: true); // kept on failure, to look at the plots
    }

    /// <summary>
    /// Runs the simulation command in its own process, as the README does, and reads its report back. The time-out
    /// only ends a hung run: lockstep's figures do not depend on how long the run takes.
    /// </summary>
    private async Task<SimulationReport> RunCommandAsync(SimulationOptions options)
    {
        using var simulation = ChildProcess.Start("HeaterOrleans.Simulation",
        [
            Invariant($"--Heaters={options.Heaters}"), Invariant($"--Duration={options.Duration}"), $"--Lockstep={options.Lockstep}",
            $"--Delays={options.Delays}", $"--NoiseKind={options.NoiseKind}", Invariant($"--Noise={options.Noise}"), Invariant($"--Seed={options.Seed}"),
            $"--Output={options.Output}",
        ]);
        var finished = await simulation.WaitForExitAsync(TimeSpan.FromMinutes(10));
        foreach (var line in simulation.Output)
        {
            output.WriteLine(line);
        }

        Assert.True(finished, "the simulation command did not finish within 10 minutes");
        // 1 is a run whose loop failed: its report says why (asserted by the caller).
        Assert.True(simulation.ExitCode is 0 or 1, $"the simulation command exited with {simulation.ExitCode}");
        return ReportReader.Read(options.Output);
    }

    /// <summary>The fastest the room warms or cools anywhere near either of its bands, °C per simulated second.</summary>
    private static double FastestRate(HeaterResult h, SimulationOptions options)
    {
        var desired = new[] { h.Desired, h.ChangedDesired ?? h.Desired };
        var (lowest, highest) = (desired.Min() - options.DownDelta - 1, desired.Max() + options.UpDelta + 1);
        return Math.Max((h.HeatedEquilibrium - lowest) / h.Tau, (highest - h.Outside) / h.Tau);
    }
}

/// <summary>
/// The simulation keeps a core or more busy for its ~20 s: it runs alone, so as not to slow the tests that still wait
/// on real time. (In lockstep its own outcome does not depend on that.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulationCollection
{
    public const string Name = "Simulation";
}
