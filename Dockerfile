# syntax=docker/dockerfile:1
#
# mailroom container image: built with Maven in the first stage, run on a JRE 17 in the last.
#   docker build -t mailroom:local .
#   docker run -p 8080:8080 -e SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/mailroom ... mailroom:local

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
COPY src src
# -Dproduction switches off the Maven profile that brings embedded PostgreSQL and the GreenMail
# capture server, so neither (nor their native binaries) reaches the runtime image.
# The cache mount keeps ~/.m2 between builds without baking it into a layer.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -DskipTests -Dproduction package \
 && java -Djarmode=tools -jar target/mailroom-*.jar extract --layers --launcher --destination /build/extracted

FROM eclipse-temurin:17-jre
# A fixed numeric UID lets Kubernetes verify runAsNonRoot without resolving a user name.
RUN groupadd --system --gid 10001 mailroom \
 && useradd --system --uid 10001 --gid mailroom --home-dir /app --no-create-home --shell /usr/sbin/nologin mailroom
WORKDIR /app
# One image layer per jar layer, least frequently changed first: a code change only rebuilds
# (and a node only pulls) the small application layer.
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
USER 10001:10001

# The JVM sizes its heap from the container's memory limit, leaving a quarter for metaspace,
# thread stacks, direct buffers and the SMTP connection pool. JDK_JAVA_OPTIONS is read by the
# java launcher itself, so operators can replace it with -e JDK_JAVA_OPTIONS=... and no shell is
# needed to expand it.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    SERVER_PORT=8080 \
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true
# Spring Boot only publishes the liveness and readiness groups by itself on Kubernetes; the
# variable above turns them on for plain Docker and docker compose too.

EXPOSE 8080
# The temurin images ship curl. Readiness (not liveness) so that `docker compose --wait` and
# depends_on conditions wait until the database is reachable.
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT}/actuator/health/readiness" || exit 1

ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
