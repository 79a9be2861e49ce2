namespace HeaterOrleans.Testing;

/// <summary>
/// The seed's description, written independently of <c>ControlLaw</c>: the heater is "wanted" on
/// below the band and off above it; a command goes out whenever what is wanted differs from what
/// the heater was last told. Feed it one sensor's events in order; it is the oracle of the tests.
/// </summary>
public sealed class ReferenceModel
{
    private (double Low, double High)? _band;
    private string _told = "nothing";

    /// <summary>Commands as sent: <c>true</c> = On, <c>false</c> = Off.</summary>
    public List<bool> CommandsOn { get; } = [];

    public static List<bool> Run(IEnumerable<(bool IsSetting, double A, double B, double C)> events)
    {
        var model = new ReferenceModel();
        foreach (var e in events)
        {
            if (e.IsSetting)
            {
                model.Setting(e.A, e.B, e.C);
            }
            else
            {
                model.Reading(e.A);
            }
        }

        return model.CommandsOn;
    }

    public void Setting(double desired, double upDelta, double downDelta) =>
        _band = (desired - downDelta, desired + upDelta);

    public void Reading(double t)
    {
        if (_band is not { } b || (t >= b.Low && t <= b.High))
        {
            return;
        }

        var wanted = t < b.Low ? "on" : "off";
        if (wanted != _told)
        {
            CommandsOn.Add(wanted == "on");
            _told = wanted;
        }
    }
}
