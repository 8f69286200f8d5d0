-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "planName" TEXT,
ADD COLUMN     "dailyQuotaLearned" INTEGER,
ADD COLUMN     "organizationsCache" JSONB,
ADD COLUMN     "organizationsCachedAt" TIMESTAMP(3);
