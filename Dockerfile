# One build, three images: docker build --target api|silo|fake-openai .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Actors.sln ./
COPY src/Grains.Interfaces/Grains.Interfaces.csproj src/Grains.Interfaces/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
COPY src/Api/Api.csproj src/Api/
COPY tools/FakeOpenAI/FakeOpenAI.csproj tools/FakeOpenAI/
RUN dotnet restore src/Api/Api.csproj && dotnet restore src/Silo/Silo.csproj && dotnet restore tools/FakeOpenAI/FakeOpenAI.csproj
COPY src/ src/
COPY tools/ tools/
RUN dotnet publish src/Api/Api.csproj -c Release --no-restore -o /out/api \
 && dotnet publish src/Silo/Silo.csproj -c Release --no-restore -o /out/silo \
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
