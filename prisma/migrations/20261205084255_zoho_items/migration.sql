-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "createMissingItems" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "itemsRequired" BOOLEAN NOT NULL DEFAULT false;

