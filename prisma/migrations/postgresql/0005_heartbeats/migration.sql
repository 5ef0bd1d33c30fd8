-- CreateTable
CREATE TABLE "heartbeats" (
    "name" TEXT NOT NULL,
    "beat_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "heartbeats_pkey" PRIMARY KEY ("name")
);
