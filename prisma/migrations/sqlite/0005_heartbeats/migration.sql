-- CreateTable
CREATE TABLE "heartbeats" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "beat_at" DATETIME NOT NULL
);
