# syntax=docker/dockerfile:1
# One image for every SMT Works process: `smt serve <services...>` or `smt worker <queues...>` (see docker-compose.yml).
# TypeScript runs through tsx, so there is no build step; the first stage only installs production dependencies.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the prepare step needs the sources; it runs in the last stage.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# The browser app: built with Vite, served by an unprivileged nginx that also routes /api to the services.
FROM node:20-bookworm-slim AS ui-build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY ui ./ui
RUN npm run ui:build

FROM nginxinc/nginx-unprivileged:1.27-alpine AS ui
COPY ui/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=ui-build /app/ui/dist /usr/share/nginx/html
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]

# Temporal's own web UI (@temporalio/ui), served by the embedded Temporal server on its UI port.
FROM node:20-bookworm-slim AS temporal-ui-build
WORKDIR /app/infra/temporal-dev/ui
COPY infra/temporal-dev/ui/package.json infra/temporal-dev/ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY infra/temporal-dev/ui ./
RUN npm run build

# The services and workers (the last stage, so a plain `docker build .` gives this image).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node . .
COPY --from=temporal-ui-build --chown=node:node /app/infra/temporal-dev/ui/build ./infra/temporal-dev/ui/build
RUN mkdir -p /data && chown node:node /data
USER node
# The workflow bundles, built once here so a container starts its workers without webpack.
RUN npx tsx infra/launcher/prepare.ts --bundles-only
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/smt"]
CMD ["serve"]
