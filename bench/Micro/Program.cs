using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Micro [-- --filter '*']
BenchmarkSwitcher.FromAssembly(typeof(HeaterOrleans.Micro.CodecBenchmarks).Assembly).Run(args);
