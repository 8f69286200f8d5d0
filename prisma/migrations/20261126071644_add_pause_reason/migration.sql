-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "pauseReason" TEXT;

