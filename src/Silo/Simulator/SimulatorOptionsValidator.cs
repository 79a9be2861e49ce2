using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Simulator;

internal sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var errors = new List<string>();
        if (options.Heaters is < 1 or > 1_000_000)
        {
            errors.Add($"Simulator:Heaters must be between 1 and 1000000 (was {options.Heaters}).");
        }

        if (options.FirstSensorId < 1 || (long)options.FirstSensorId + options.Heaters - 1 > int.MaxValue)
        {
            errors.Add($"Simulator:FirstSensorId must be >= 1 and leave room for every heater's ID (was {options.FirstSensorId}).");
        }

        if (options.ReadingInterval < TimeSpan.FromMilliseconds(1))
        {
            errors.Add($"Simulator:ReadingInterval must be at least 1 ms (was {options.ReadingInterval}).");
        }

        if (options.SimulatedTimePerReading <= TimeSpan.Zero)
        {
            errors.Add($"Simulator:SimulatedTimePerReading must be > 0 (was {options.SimulatedTimePerReading}).");
        }

        if (options.ReportInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Simulator:ReportInterval must be at least 1 s (was {options.ReportInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
