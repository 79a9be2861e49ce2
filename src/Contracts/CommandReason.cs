namespace HeaterOrleans.Contracts;

/// <summary>Why a command was sent.</summary>
[GenerateSerializer]
public enum CommandReason
{
    /// <summary>The control law applied to a reading.</summary>
    Reading = 0,

    /// <summary>The failsafe: the sensor sent no reading for <c>Failsafe:StaleAfter</c> while the heater was On.</summary>
    StaleSensor = 1,
}
