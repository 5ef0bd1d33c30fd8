-- DropIndex
DROP INDEX "messages_conversation_key_id_idx";

-- DropIndex
DROP INDEX "messages_status_updated_at_idx";

-- DropIndex
DROP INDEX "messages_tenant_id_created_at_idx";

-- CreateIndex
CREATE INDEX "messages_status_id_conversation_key_idx" ON "messages"("status", "id", "conversation_key");

-- CreateIndex
CREATE INDEX "messages_tenant_id_id_idx" ON "messages"("tenant_id", "id");
