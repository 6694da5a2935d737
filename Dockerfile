# One image for every mode: MODE=api, MODE=worker (and MODE=all) are chosen by environment variable.

# Build stage: the TypeScript compiler and the rest of the dev dependencies live only here.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The web page served at /: compiled into dist/web with the rest.
COPY web ./web
RUN npm run build

# Runtime stage: production dependencies and the compiled JavaScript, nothing else.
FROM node:24-bookworm-slim AS runtime
WORKDIR /app
# The language data (@tesseract.js-data/*) and the tesseract.js-core wasm are npm dependencies, so this install
# bakes them into the image and nothing is downloaded when a job runs.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist

# The files stay root-owned and read-only to the service; it writes only to /tmp (os.tmpdir()), where the
# language catalog links the traineddata files into one folder at start-up.
USER node
EXPOSE 3000 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/healthcheck.js"]
# node itself is PID 1 (not npm), so SIGTERM reaches the service and it drains its jobs before exiting. The young
# generation stops at 2 MB semi-spaces, not V8's 16: that growth was most of a worker's early memory creep, and at 8 MB
# V8 marked the whole heap every two seconds (README: worker memory). `npm start` and `npm run start:worker` run the
# same; the API, which 2 MB slows, runs with 8 (docker-compose.yml, `npm run start:api`).
CMD ["node", "--max-semi-space-size=2", "dist/main.js"]
