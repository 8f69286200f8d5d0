-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ZohoConnectionStatus" AS ENUM ('connected', 'needs_reauth', 'disconnected');

-- CreateEnum
CREATE TYPE "OrderSyncStatus" AS ENUM ('queued', 'creating', 'synced', 'failed', 'needs_attention', 'deleted');

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN,
    "locale" TEXT,
    "collaborator" BOOLEAN,
    "emailVerified" BOOLEAN,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ZohoConnection" (
    "shop" TEXT NOT NULL,
    "dataCenter" TEXT NOT NULL,
    "accountsServer" TEXT NOT NULL,
    "apiDomain" TEXT NOT NULL,
    "organizationId" TEXT,
    "organizationName" TEXT,
    "currencyCode" TEXT,
    "pricePrecision" INTEGER,
    "refreshTokenEnc" TEXT,
    "accessTokenEnc" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "status" "ZohoConnectionStatus" NOT NULL DEFAULT 'connected',
    "autoSend" BOOLEAN NOT NULL DEFAULT true,
    "linkItemsBySku" BOOLEAN NOT NULL DEFAULT false,
    "scanCheckpoint" TIMESTAMP(3),
    "lastError" TEXT,
    "lastSuccessAt" TIMESTAMP(3),
    "pausedUntil" TIMESTAMP(3),
    "connectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ZohoConnection_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "OrderSync" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "status" "OrderSyncStatus" NOT NULL DEFAULT 'queued',
    "zohoInvoiceId" TEXT,
    "zohoInvoiceNumber" TEXT,
    "zohoInvoiceStatus" TEXT,
    "zohoContactId" TEXT,
    "currencyCode" TEXT,
    "shopifyTotal" DECIMAL(20,4),
    "zohoTotal" DECIMAL(20,4),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastErrorCode" TEXT,
    "lastErrorMessage" TEXT,
    "claimedAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderSync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactLink" (
    "shop" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "zohoContactId" TEXT NOT NULL,
    "billingHash" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ContactLink_pkey" PRIMARY KEY ("shop","organizationId","key")
);

-- CreateTable
CREATE TABLE "TaxCache" (
    "shop" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "taxes" JSONB NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaxCache_pkey" PRIMARY KEY ("shop","organizationId")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "OrderSync_shop_status_idx" ON "OrderSync"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "OrderSync_shop_orderId_key" ON "OrderSync"("shop", "orderId");

-- CreateIndex
CREATE INDEX "SyncEvent_shop_at_idx" ON "SyncEvent"("shop", "at");

-- CreateIndex
CREATE INDEX "SyncEvent_shop_orderId_idx" ON "SyncEvent"("shop", "orderId");

