-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "first_attempt_at" TIMESTAMP(3),
ADD COLUMN     "warning" TEXT;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "progress" JSONB;
