using System.Diagnostics;

namespace HeaterOrleans.Bench;

/// <summary>Sends settings and waits until the variant has processed all of them.</summary>
internal static class Settle
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    public static async Task SettingsAsync(IVariant variant, Action send, int settings)
    {
        var settled = variant.Processed + settings;
        send();
        var clock = Stopwatch.StartNew();
        while (variant.Processed < settled)
        {
            if (clock.Elapsed > Limit)
            {
                throw new TimeoutException($"{variant.Name}: {settings:N0} settings not applied within {Limit.TotalSeconds:F0} s.");
            }

            await Task.Delay(20);
        }
    }
}
