# One build, three images: docker build --target api|silo|fake-openai .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Actors.sln ./
COPY src/Grains.Interfaces/Grains.Interfaces.csproj src/Grains.Interfaces/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
COPY src/Api/Api.csproj src/Api/
COPY tools/FakeOpenAI/FakeOpenAI.csproj tools/FakeOpenAI/
# ReadyToRun: the gateway and silo ship precompiled code for the image's platform, so a new container serves its first
# requests without waiting for the JIT (bench/run.sh --only cold measures it).
ARG TARGETARCH
RUN echo "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" >/rid \
 && dotnet restore src/Api/Api.csproj -r "$(cat /rid)" -p:PublishReadyToRun=true \
 && dotnet restore src/Silo/Silo.csproj -r "$(cat /rid)" -p:PublishReadyToRun=true \
 && dotnet restore tools/FakeOpenAI/FakeOpenAI.csproj
COPY src/ src/
COPY tools/ tools/
RUN dotnet publish src/Api/Api.csproj -c Release -r "$(cat /rid)" --self-contained false -p:PublishReadyToRun=true --no-restore -o /out/api \
 && dotnet publish src/Silo/Silo.csproj -c Release -r "$(cat /rid)" --self-contained false -p:PublishReadyToRun=true --no-restore -o /out/silo \
 && dotnet publish tools/FakeOpenAI/FakeOpenAI.csproj -c Release --no-restore -o /out/fake-openai

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# The images run as the unprivileged 'app' user that the base image provides.
USER app
WORKDIR /app

FROM runtime AS silo
COPY --from=build /out/silo .
ENTRYPOINT ["dotnet", "Actors.Silo.dll"]

FROM runtime AS api
COPY --from=build /out/api .
ENTRYPOINT ["dotnet", "Actors.Api.dll"]

FROM runtime AS fake-openai
COPY --from=build /out/fake-openai .
ENTRYPOINT ["dotnet", "Actors.FakeOpenAI.dll"]
