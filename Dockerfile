# The API on the official Swift image, with libpq.
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY openapi.yaml ./
COPY sql ./sql
COPY seed ./seed
COPY reference ./reference
RUN swift build -c release --product convoca --static-swift-stdlib \
    && mkdir /out && cp .build/release/convoca /out/ && cp -R openapi.yaml sql seed reference /out/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --no-create-home convoca
COPY --from=build /out/ /app/
USER convoca
ENV HOST=0.0.0.0 PORT=8080 CONVOCA_HOME=/app
EXPOSE 8080
ENTRYPOINT ["/app/convoca"]
CMD ["serve"]
