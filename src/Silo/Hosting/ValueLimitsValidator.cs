using HeaterOrleans.Contracts.Codec;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Hosting;

internal sealed class ValueLimitsValidator : IValidateOptions<ValueLimits>
{
    public ValidateOptionsResult Validate(string? name, ValueLimits options) =>
        options.Problems().ToList() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
