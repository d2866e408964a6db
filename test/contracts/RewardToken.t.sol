// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {stdError} from "forge-std/StdError.sol";

import {RewardToken} from "../../contracts/RewardToken.sol";
import {PlainMintableToken} from "../../contracts/mocks/PlainMintableToken.sol";
import {IBatchPayoutToken} from "../../contracts/interfaces/IBatchPayoutToken.sol";
import {IMintableERC20} from "../../contracts/interfaces/IMintableERC20.sol";

/// @notice RewardToken: roles, the batch functions that write straight into OpenZeppelin's ERC-20
///         namespace (checked against balanceOf/totalSupply and the raw slots), ERC-165 and permit.
contract RewardTokenTest is Test {
    bytes32 internal constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;
    // ERC20Upgradeable's ERC-7201 namespace "openzeppelin.storage.ERC20".
    bytes32 internal constant ERC20_NAMESPACE =
        0x52c63247e1f47db19d5ce0460030c497f067ca4cebf71ba98eeadabe20bace00;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    address internal admin = makeAddr("admin");
    address internal minter = makeAddr("minter");
    address internal stranger = makeAddr("stranger");
    address internal alice = address(uint160(uint256(keccak256(abi.encode("payee", 1)))));
    address internal bob = address(uint160(uint256(keccak256(abi.encode("payee", 2)))));
    address internal carol = address(uint160(uint256(keccak256(abi.encode("payee", 3)))));

    RewardToken internal token;

    function setUp() public {
        token = new RewardToken("Refcodes Reward", "RCR", admin, address(0));
        vm.prank(admin);
        token.grantRole(MINTER_ROLE, minter);
    }

    function _pack(address payee, uint256 amount) internal pure returns (uint256) {
        return uint256(uint160(payee)) << 96 | amount;
    }

    function _balanceSlot(address account) internal pure returns (bytes32) {
        return keccak256(abi.encode(account, ERC20_NAMESPACE));
    }

    /// @dev The raw namespace slots agree with the views (guards the constants in RewardToken).
    function _assertSlotsMatch(address[] memory accounts) internal view {
        for (uint256 i; i < accounts.length; ++i) {
            assertEq(
                uint256(vm.load(address(token), _balanceSlot(accounts[i]))), token.balanceOf(accounts[i])
            );
        }
        assertEq(uint256(vm.load(address(token), bytes32(uint256(ERC20_NAMESPACE) + 2))), token.totalSupply());
    }

    function _accounts() internal view returns (address[] memory accounts) {
        accounts = new address[](4);
        accounts[0] = alice;
        accounts[1] = bob;
        accounts[2] = carol;
        accounts[3] = minter;
    }

    // ------------------------------------------------------------------ metadata & roles

    function test_constructor_setsMetadataAndAdmin() public view {
        assertEq(token.name(), "Refcodes Reward");
        assertEq(token.symbol(), "RCR");
        assertEq(token.decimals(), 18);
        assertEq(token.totalSupply(), 0);
        assertTrue(token.hasRole(DEFAULT_ADMIN_ROLE, admin));
        assertFalse(token.hasRole(MINTER_ROLE, admin));
        assertEq(token.MINTER_ROLE(), MINTER_ROLE);
    }

    function test_mint_creditsAndEmits() public {
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, 1_234_567_890_123);
        vm.prank(minter);
        token.mint(alice, 1_234_567_890_123);

        assertEq(token.balanceOf(alice), 1_234_567_890_123);
        assertEq(token.totalSupply(), 1_234_567_890_123);
        _assertSlotsMatch(_accounts());
    }

    function test_mint_addsToExistingBalance() public {
        vm.startPrank(minter);
        token.mint(alice, 7_000_000_000_000_000_001);
        token.mint(bob, 5);
        token.mint(alice, 3_000_000_000_000_000_002);
        vm.stopPrank();

        assertEq(token.balanceOf(alice), 10_000_000_000_000_000_003);
        assertEq(token.balanceOf(bob), 5);
        assertEq(token.totalSupply(), 10_000_000_000_000_000_008);
        _assertSlotsMatch(_accounts());

        vm.prank(alice);
        assertTrue(token.transfer(bob, 10_000_000_000_000_000_003));
        assertEq(token.balanceOf(bob), 10_000_000_000_000_000_008);
        assertEq(token.totalSupply(), 10_000_000_000_000_000_008);
    }

    function test_mint_revertsOnSupplyOverflow() public {
        vm.prank(minter);
        token.mint(alice, type(uint256).max);

        // The balance credit is unchecked; the supply is checked, and bounds every balance.
        vm.expectRevert(stdError.arithmeticError);
        vm.prank(minter);
        token.mint(alice, 1);
        vm.expectRevert(stdError.arithmeticError);
        vm.prank(minter);
        token.mint(bob, 1);

        assertEq(token.balanceOf(alice), type(uint256).max);
        assertEq(token.balanceOf(bob), 0);
        assertEq(token.totalSupply(), type(uint256).max);
    }

    function test_mint_revertsForNonMinter() public {
        address[2] memory callers = [admin, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector, callers[i], MINTER_ROLE
                )
            );
            vm.prank(callers[i]);
            token.mint(callers[i], 1e18);
        }
        assertEq(token.totalSupply(), 0);
    }

    function test_mint_revertsOnZeroReceiver() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(minter);
        token.mint(address(0), 1);
    }

    function test_revokeRole_removesMinter() public {
        vm.prank(admin);
        token.revokeRole(MINTER_ROLE, minter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, minter, MINTER_ROLE
            )
        );
        vm.prank(minter);
        token.mint(alice, 1);
    }

    // ------------------------------------------------------------------ mintBatch

    function test_mintBatch_creditsBalancesAndSupply() public {
        vm.prank(minter);
        token.mint(bob, 5_000_000_000_000_000_003); // bob already holds tokens

        uint256[] memory payments = new uint256[](4);
        payments[0] = _pack(alice, 1_111_111_111_111_111_111);
        payments[1] = _pack(bob, 2_222_222_222_222_222_222);
        payments[2] = _pack(alice, 3_333_333_333_333_333_333); // alice twice
        payments[3] = _pack(carol, type(uint96).max);

        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, 1_111_111_111_111_111_111);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), bob, 2_222_222_222_222_222_222);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, 3_333_333_333_333_333_333);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), carol, type(uint96).max);
        vm.prank(minter);
        token.mintBatch(payments);

        assertEq(token.balanceOf(alice), 4_444_444_444_444_444_444);
        assertEq(token.balanceOf(bob), 7_222_222_222_222_222_225);
        assertEq(token.balanceOf(carol), type(uint96).max);
        assertEq(
            token.totalSupply(),
            5_000_000_000_000_000_003 + 1_111_111_111_111_111_111 + 2_222_222_222_222_222_222
                + 3_333_333_333_333_333_333 + uint256(type(uint96).max)
        );
        _assertSlotsMatch(_accounts());

        // Minted tokens behave like any others.
        vm.prank(alice);
        assertTrue(token.transfer(carol, 4_444_444_444_444_444_444));
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.balanceOf(carol), uint256(type(uint96).max) + 4_444_444_444_444_444_444);
    }

    function test_mintBatch_emptyIsNoOp() public {
        vm.recordLogs();
        vm.prank(minter);
        token.mintBatch(new uint256[](0));
        assertEq(vm.getRecordedLogs().length, 0);
        assertEq(token.totalSupply(), 0);
    }

    function test_mintBatch_revertsForNonMinter() public {
        uint256[] memory payments = new uint256[](1);
        payments[0] = _pack(stranger, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, MINTER_ROLE
            )
        );
        vm.prank(stranger);
        token.mintBatch(payments);
        assertEq(token.balanceOf(stranger), 0);
        assertEq(token.totalSupply(), 0);
    }

    function test_mintBatch_revertsOnZeroPayee() public {
        uint256[] memory payments = new uint256[](3);
        payments[0] = _pack(alice, 1e18);
        payments[1] = _pack(address(0), 2e18);
        payments[2] = _pack(bob, 3e18);

        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(minter);
        token.mintBatch(payments);
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.totalSupply(), 0);
    }

    function test_mintBatch_revertsOnSupplyOverflow() public {
        vm.prank(minter);
        token.mint(alice, type(uint256).max - 10);

        uint256[] memory payments = new uint256[](2);
        payments[0] = _pack(bob, 5);
        payments[1] = _pack(carol, 6);
        vm.expectRevert(stdError.arithmeticError);
        vm.prank(minter);
        token.mintBatch(payments);
        assertEq(token.totalSupply(), type(uint256).max - 10);
        assertEq(token.balanceOf(bob), 0);
    }

    // ------------------------------------------------------------------ transferBatch

    function test_transferBatch_movesBalancesIncludingToSender() public {
        vm.prank(minter);
        token.mint(minter, 100e18);
        vm.prank(minter);
        token.mint(bob, 1e18);

        uint256[] memory payments = new uint256[](5);
        payments[0] = _pack(alice, 10_000_000_000_000_000_007);
        payments[1] = _pack(minter, 20_000_000_000_000_000_011); // to the sender itself
        payments[2] = _pack(bob, 5_000_000_000_000_000_013);
        payments[3] = _pack(alice, 1_000_000_000_000_000_017); // alice twice
        payments[4] = _pack(carol, 3);

        vm.expectEmit(address(token));
        emit IERC20.Transfer(minter, alice, 10_000_000_000_000_000_007);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(minter, minter, 20_000_000_000_000_000_011);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(minter, bob, 5_000_000_000_000_000_013);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(minter, alice, 1_000_000_000_000_000_017);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(minter, carol, 3);
        vm.prank(minter);
        token.transferBatch(payments);

        uint256 sentAway =
            10_000_000_000_000_000_007 + 5_000_000_000_000_000_013 + 1_000_000_000_000_000_017 + 3;
        assertEq(token.balanceOf(minter), 100e18 - sentAway);
        assertEq(token.balanceOf(alice), 11_000_000_000_000_000_024);
        assertEq(token.balanceOf(bob), 1e18 + 5_000_000_000_000_000_013);
        assertEq(token.balanceOf(carol), 3);
        assertEq(token.totalSupply(), 101e18);
        _assertSlotsMatch(_accounts());
    }

    function test_transferBatch_needsNoRole() public {
        vm.prank(minter);
        token.mint(stranger, 3e18);
        uint256[] memory payments = new uint256[](1);
        payments[0] = _pack(alice, 3e18);
        vm.prank(stranger);
        token.transferBatch(payments);
        assertEq(token.balanceOf(stranger), 0);
        assertEq(token.balanceOf(alice), 3e18);
    }

    function test_transferBatch_wholeBalanceToSelfOnly() public {
        vm.prank(minter);
        token.mint(alice, 7e18);
        uint256[] memory payments = new uint256[](2);
        payments[0] = _pack(alice, 7e18);
        payments[1] = _pack(alice, 7e18);
        // Balance 7 + 14 credited, 14 debited: exact even though 14 > 7.
        vm.prank(alice);
        token.transferBatch(payments);
        assertEq(token.balanceOf(alice), 7e18);
        assertEq(token.totalSupply(), 7e18);
    }

    function test_transferBatch_revertsOnInsufficientBalance() public {
        vm.prank(minter);
        token.mint(alice, 5e18);
        uint256[] memory payments = new uint256[](2);
        payments[0] = _pack(bob, 3e18);
        payments[1] = _pack(carol, 2e18 + 1);

        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 5e18, 5e18 + 1)
        );
        vm.prank(alice);
        token.transferBatch(payments);
        assertEq(token.balanceOf(alice), 5e18);
        assertEq(token.balanceOf(bob), 0);
        assertEq(token.balanceOf(carol), 0);
    }

    /// @dev With the sender among the payees, the error reports the balance after the self-credit.
    function test_transferBatch_revertsOnInsufficientBalanceWithSelfPayee() public {
        vm.prank(minter);
        token.mint(alice, 5e18);
        uint256[] memory payments = new uint256[](2);
        payments[0] = _pack(alice, 10e18);
        payments[1] = _pack(bob, 6e18);

        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 15e18, 16e18)
        );
        vm.prank(alice);
        token.transferBatch(payments);
        assertEq(token.balanceOf(alice), 5e18);
        assertEq(token.balanceOf(bob), 0);
    }

    function test_transferBatch_revertsOnZeroPayee() public {
        vm.prank(minter);
        token.mint(alice, 5e18);
        uint256[] memory payments = new uint256[](2);
        payments[0] = _pack(bob, 1e18);
        payments[1] = _pack(address(0), 1e18);

        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(alice);
        token.transferBatch(payments);
        assertEq(token.balanceOf(alice), 5e18);
        assertEq(token.balanceOf(bob), 0);
    }

    function test_transferBatch_emptyIsNoOp() public {
        vm.recordLogs();
        vm.prank(stranger);
        token.transferBatch(new uint256[](0));
        assertEq(vm.getRecordedLogs().length, 0);
        assertEq(token.balanceOf(stranger), 0);
    }

    // ------------------------------------------------------------------ ERC-165

    function test_supportsInterface() public view {
        assertTrue(token.supportsInterface(type(IBatchPayoutToken).interfaceId));
        assertTrue(token.supportsInterface(type(IMintableERC20).interfaceId));
        assertTrue(token.supportsInterface(type(IAccessControl).interfaceId));
        assertTrue(token.supportsInterface(type(IERC165).interfaceId));
        assertFalse(token.supportsInterface(0xffffffff));
        assertFalse(token.supportsInterface(0x12345678));
        assertEq(
            type(IBatchPayoutToken).interfaceId,
            IBatchPayoutToken.mintBatch.selector ^ IBatchPayoutToken.transferBatch.selector
        );
    }

    // ------------------------------------------------------------------ permit

    function _permitDigest(address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }

    function test_permit_setsAllowanceFromSignature() public {
        (address owner, uint256 ownerKey) = makeAddrAndKey("permit owner");
        vm.prank(minter);
        token.mint(owner, 10e18);
        uint256 deadline = block.timestamp + 1 hours;

        assertEq(
            token.DOMAIN_SEPARATOR(),
            keccak256(
                abi.encode(
                    keccak256(
                        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                    ),
                    keccak256("Refcodes Reward"),
                    keccak256("1"),
                    block.chainid,
                    address(token)
                )
            )
        );

        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, _permitDigest(owner, bob, 4e18, 0, deadline));
        vm.expectEmit(address(token));
        emit IERC20.Approval(owner, bob, 4e18);
        vm.prank(stranger); // anyone may relay
        token.permit(owner, bob, 4e18, deadline, v, r, s);

        assertEq(token.allowance(owner, bob), 4e18);
        assertEq(token.nonces(owner), 1);

        vm.prank(bob);
        assertTrue(token.transferFrom(owner, carol, 4e18));
        assertEq(token.balanceOf(carol), 4e18);
        assertEq(token.balanceOf(owner), 6e18);
        assertEq(token.allowance(owner, bob), 0);

        // The signature cannot be replayed: nonce 1 recovers a different signer.
        vm.expectPartialRevert(ERC20Permit.ERC2612InvalidSigner.selector);
        token.permit(owner, bob, 4e18, deadline, v, r, s);
        assertEq(token.allowance(owner, bob), 0);
    }

    function test_permit_revertsOnWrongSigner() public {
        (address owner,) = makeAddrAndKey("permit owner");
        (address other, uint256 otherKey) = makeAddrAndKey("someone else");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(otherKey, _permitDigest(owner, bob, 1e18, 0, deadline));

        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, other, owner));
        token.permit(owner, bob, 1e18, deadline, v, r, s);
        assertEq(token.allowance(owner, bob), 0);
        assertEq(token.nonces(owner), 0);
    }

    function test_permit_revertsWhenExpired() public {
        (address owner, uint256 ownerKey) = makeAddrAndKey("permit owner");
        vm.warp(1_700_000_000);
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, _permitDigest(owner, bob, 1e18, 0, deadline));

        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(owner, bob, 1e18, deadline, v, r, s);
        assertEq(token.allowance(owner, bob), 0);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev mint and mintBatch over a small pool of payees (so repeats are common) agree with
    ///      OpenZeppelin's own `_mint` (PlainMintableToken) minting the same amounts one by one.
    function testFuzz_mintBatch_matchesOpenZeppelinMint(uint256 seed, uint256 size) public {
        size = bound(size, 1, 40);
        PlainMintableToken sequential = new PlainMintableToken(admin);
        vm.prank(admin);
        sequential.grantRole(MINTER_ROLE, minter);

        address[] memory pool = new address[](5);
        for (uint256 i; i < pool.length; ++i) {
            pool[i] = address(uint160(uint256(keccak256(abi.encode(seed, "payee", i)))));
        }
        uint256[] memory payments = new uint256[](size);
        uint256 batched;
        vm.startPrank(minter);
        for (uint256 i; i < size; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            address payee = pool[r % pool.length];
            uint256 amount = (r >> 8) & type(uint96).max; // zero amounts allowed: they log and credit 0
            sequential.mint(payee, amount);
            if ((r >> 200) % 3 == 0) {
                token.mint(payee, amount); // the single path, interleaved
            } else {
                payments[batched++] = _pack(payee, amount);
            }
        }
        assembly ("memory-safe") {
            mstore(payments, batched)
        }
        token.mintBatch(payments);
        vm.stopPrank();

        assertEq(token.totalSupply(), sequential.totalSupply());
        for (uint256 i; i < pool.length; ++i) {
            assertEq(token.balanceOf(pool[i]), sequential.balanceOf(pool[i]));
            assertEq(uint256(vm.load(address(token), _balanceSlot(pool[i]))), sequential.balanceOf(pool[i]));
        }
    }

    /// @dev transferBatch conserves supply and matches sequential transfers, the sender included.
    function testFuzz_transferBatch_matchesSequentialTransfers(uint256 seed, uint256 size, uint96 funding)
        public
    {
        size = bound(size, 1, 40);
        address sender = address(uint160(uint256(keccak256(abi.encode(seed, "sender")))));
        address[] memory pool = new address[](4);
        pool[0] = sender;
        for (uint256 i = 1; i < pool.length; ++i) {
            pool[i] = address(uint160(uint256(keccak256(abi.encode(seed, "payee", i)))));
        }
        uint256[] memory payments = new uint256[](size);
        uint256[] memory expected = new uint256[](pool.length);
        uint256 sentAway;
        for (uint256 i; i < size; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 index = r % pool.length;
            uint256 amount = bound(r >> 8, 0, uint256(funding) / size);
            payments[i] = _pack(pool[index], amount);
            if (index != 0) {
                expected[index] += amount;
                sentAway += amount;
            }
        }
        vm.prank(minter);
        token.mint(sender, funding);

        vm.prank(sender);
        token.transferBatch(payments);

        assertEq(token.totalSupply(), funding);
        assertEq(token.balanceOf(sender), uint256(funding) - sentAway);
        for (uint256 i = 1; i < pool.length; ++i) {
            assertEq(token.balanceOf(pool[i]), expected[i]);
        }
    }

    // ------------------------------------------------------------------ primary minter

    function test_primaryMinter_mintsWithoutTheRoleBeingGranted() public {
        address proxy = makeAddr("proxy");
        RewardToken withPrimary = new RewardToken("Refcodes Reward", "RCR", admin, proxy);
        assertEq(withPrimary.primaryMinter(), proxy);
        assertTrue(withPrimary.hasRole(MINTER_ROLE, proxy));

        vm.prank(proxy);
        withPrimary.mint(alice, 42);
        uint256[] memory payments = new uint256[](1);
        payments[0] = _pack(bob, 7);
        vm.prank(proxy);
        withPrimary.mintBatch(payments);

        assertEq(withPrimary.balanceOf(alice), 42);
        assertEq(withPrimary.balanceOf(bob), 7);
        assertEq(withPrimary.totalSupply(), 49);
    }

    function test_primaryMinter_cannotBeRevokedOrRenounced() public {
        address proxy = makeAddr("proxy");
        RewardToken withPrimary = new RewardToken("Refcodes Reward", "RCR", admin, proxy);

        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(RewardToken.RewardToken__PrimaryMinterIsPermanent.selector, proxy)
        );
        withPrimary.revokeRole(MINTER_ROLE, proxy);

        vm.prank(proxy);
        vm.expectRevert(
            abi.encodeWithSelector(RewardToken.RewardToken__PrimaryMinterIsPermanent.selector, proxy)
        );
        withPrimary.renounceRole(MINTER_ROLE, proxy);

        assertTrue(withPrimary.hasRole(MINTER_ROLE, proxy));
    }

    function test_primaryMinter_grantsNothingElse() public {
        address proxy = makeAddr("proxy");
        RewardToken withPrimary = new RewardToken("Refcodes Reward", "RCR", admin, proxy);
        assertFalse(withPrimary.hasRole(DEFAULT_ADMIN_ROLE, proxy));

        // Other minters still come and go through MINTER_ROLE.
        vm.prank(admin);
        withPrimary.grantRole(MINTER_ROLE, minter);
        vm.prank(admin);
        withPrimary.revokeRole(MINTER_ROLE, minter);
        assertFalse(withPrimary.hasRole(MINTER_ROLE, minter));
        vm.prank(minter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, minter, MINTER_ROLE
            )
        );
        withPrimary.mint(alice, 1);
    }

    function test_primaryMinter_zeroMeansNone() public {
        assertEq(token.primaryMinter(), address(0));
        assertFalse(token.hasRole(MINTER_ROLE, address(0)));
        vm.prank(address(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, address(0), MINTER_ROLE
            )
        );
        token.mint(alice, 1);
    }
}
