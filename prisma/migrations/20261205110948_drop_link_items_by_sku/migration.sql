-- AlterTable
ALTER TABLE "ZohoConnection" DROP COLUMN "linkItemsBySku";

