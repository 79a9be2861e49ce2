using System.Net;
using HeaterOrleans.Grains.Placement;

namespace HeaterOrleans.UnitTests;

public class ActiveSensorsTests
{
    private static readonly SiloAddress Here = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress There = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public void Away_names_the_active_sensors_whose_known_home_is_another_silo()
    {
        var active = new ActiveSensors();
        foreach (var id in new long[] { 1, 2, 3, 4 })
        {
            active.Add(id);
        }

        active.Remove(4);
        SiloAddress? HomeOf(long id) => id switch { 1 => There, 2 => Here, 4 => There, _ => null };

        // 2 is home already, 3's home is not known (no move on guesswork), 4 is no longer active here.
        Assert.Equal([1L], active.Away(HomeOf, Here));
        Assert.Equal(3, active.Count);
    }
}
