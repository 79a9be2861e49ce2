using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeaterOrleans.Grains;

/// <summary>Registers what the sensor grain's failsafe needs in a silo.</summary>
public static class FailsafeServiceCollectionExtensions
{
    /// <summary>The silo's <see cref="FailsafeSweeper"/> (options: <see cref="FailsafeOptions"/>, bound by the host).</summary>
    public static IServiceCollection AddSensorFailsafe(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FailsafeSweeper>();
        return services;
    }
}
