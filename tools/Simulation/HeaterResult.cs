namespace HeaterOrleans.Simulation;

/// <summary>One heater of one variant at the end of the run. Times are simulated seconds.</summary>
public sealed record HeaterResult(
    double DelaySeconds,
    int SensorId,
    int Index,
    double Tau,
    double Outside,
    double HeatedEquilibrium,
    double Desired,
    double? ChangedDesired,
    double OutsideShare,
    double SettledOutsideShare,
    double SettledSeconds,
    double MaxOvershoot,
    double MaxUndershoot,
    double? SettleSeconds,
    double? ResettleSeconds,
    int Commands,
    int Switches,
    int RedundantCommands,
    int StaleCommands,
    double EndTemperature,
    bool EndsInBand);
