using HeaterOrleans.Silo.Hosting;
using Microsoft.Extensions.Options;

try
{
    await HeaterSiloHost.Build(args).RunAsync();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or Orleans.Runtime.OrleansConfigurationException)
{
    // A configuration mistake is not a crash: say which key is wrong and stop.
    await Console.Error.WriteLineAsync($"Configuration error: {e.Message}");
    return 2;
}
