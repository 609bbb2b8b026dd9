# One image for every Tuplet process: the API (`tuplet up --no-host-workers --no-control-worker`),
# the control worker (`tuplet worker --control`) and host workers (`tuplet worker --host NAME`).
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 openssh-client ca-certificates tar \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts=false
COPY . .
ENV TUPLET_DATA_DIR=/data TUPLET_HOST=0.0.0.0
VOLUME /data
EXPOSE 3000
ENTRYPOINT ["bin/tuplet"]
CMD ["up", "--no-host-workers", "--no-control-worker"]
