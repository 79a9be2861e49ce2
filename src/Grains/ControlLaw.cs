using HeaterOrleans.Contracts;

namespace HeaterOrleans.Grains;

/// <summary>The seed's control law, as one pure function.</summary>
public static class ControlLaw
{
    /// <summary>
    /// Decides which command, if any, a reading causes.
    /// <list type="bullet">
    /// <item>No setting yet: nothing.</item>
    /// <item><c>temperature &gt; desired + upDelta</c>: Off; <c>temperature &lt; desired - downDelta</c>: On;
    /// otherwise (inside the band, bounds included) no action.</item>
    /// <item>An action equal to the last action sent is not repeated.</item>
    /// </list>
    /// A new setting does not reset <paramref name="lastAction"/>: the caller keeps it.
    /// </summary>
    /// <returns>The command to send, or <c>null</c> when nothing is to be sent.</returns>
    public static HeaterAction? Decide(SensorSetting? setting, HeaterAction? lastAction, double temperature)
    {
        if (setting is null)
        {
            return null;
        }

        HeaterAction? wanted =
            temperature > setting.Desired + setting.UpDelta ? HeaterAction.Off :
            temperature < setting.Desired - setting.DownDelta ? HeaterAction.On :
            null;

        return wanted is not null && wanted != lastAction ? wanted : null;
    }
}
