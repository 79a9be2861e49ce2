# syntax=docker/dockerfile:1
# HeaterOrleans silo image: build with the SDK, run on the ASP.NET runtime as a non-root user.
#   docker build -t registry.example.com/heater-orleans:1.0 . && docker push registry.example.com/heater-orleans:1.0

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/Contracts.csproj src/Contracts/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
RUN dotnet restore src/Silo/Silo.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/Silo/Silo.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /app \
    && rm -f /app/*.pdb

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image's built-in unprivileged user (uid 1654); Kubernetes runs it with runAsNonRoot.
USER $APP_UID
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    DOTNET_gcServer=1
EXPOSE 8080 11111
ENTRYPOINT ["./HeaterOrleans.Silo"]
