# One build, three images: docker build --target api|silo|fake-openai .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Actors.sln ./
COPY src/Grains.Interfaces/Grains.Interfaces.csproj src/Grains.Interfaces/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
COPY src/Api/Api.csproj src/Api/
COPY tools/FakeOpenAI/FakeOpenAI.csproj tools/FakeOpenAI/
# The gateway and the silo ship as one composite ReadyToRun image of themselves and the .NET runtime (self-contained):
# precompiled code for the image's platform, with inlining across assemblies, so a new container serves its first
# requests without waiting for the JIT, and warm code needs less of it (bench/run.sh --only cold,embedded measures both).
ARG TARGETARCH
ENV NATIVE="--self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true"
RUN echo "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" >/rid \
 && dotnet restore src/Api/Api.csproj -r "$(cat /rid)" $NATIVE \
 && dotnet restore src/Silo/Silo.csproj -r "$(cat /rid)" $NATIVE \
 && dotnet restore tools/FakeOpenAI/FakeOpenAI.csproj
COPY src/ src/
COPY tools/ tools/
RUN dotnet publish src/Api/Api.csproj -c Release -r "$(cat /rid)" $NATIVE --no-restore -o /out/api \
 && dotnet publish src/Silo/Silo.csproj -c Release -r "$(cat /rid)" $NATIVE --no-restore -o /out/silo \
 && dotnet publish tools/FakeOpenAI/FakeOpenAI.csproj -c Release --no-restore -o /out/fake-openai

# The gateway and the silo carry their runtime: the base only needs what .NET needs from the OS.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS native
# The images run as the unprivileged 'app' user that the base image provides.
USER app
WORKDIR /app

FROM native AS silo
COPY --from=build /out/silo .
ENTRYPOINT ["./Actors.Silo"]

FROM native AS api
COPY --from=build /out/api .
ENTRYPOINT ["./Actors.Api"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS fake-openai
USER app
WORKDIR /app
COPY --from=build /out/fake-openai .
ENTRYPOINT ["dotnet", "Actors.FakeOpenAI.dll"]
