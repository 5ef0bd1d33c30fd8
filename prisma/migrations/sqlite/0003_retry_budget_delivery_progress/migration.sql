-- AlterTable
ALTER TABLE "messages" ADD COLUMN "first_attempt_at" DATETIME;
ALTER TABLE "messages" ADD COLUMN "warning" TEXT;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN "progress" JSONB;
